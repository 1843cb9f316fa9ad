"""govhall: the platform that runs a government service centre (政务服务中心)."""

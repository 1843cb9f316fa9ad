"""Catalogue fixtures: a guide with nothing wrong, and files for its forms."""

from django.core.files.base import ContentFile

from govhall.catalog.models import ServiceItem
from tests.factories import MaterialFactory, ServiceItemFactory


def clean_item(**kwargs) -> ServiceItem:
    """An item whose guide the lint accepts: every field filled, forms with blank and sample."""
    item = ServiceItemFactory(**kwargs)
    MaterialFactory(item=item, name="申请人居民身份证", originals=1, copies=1)
    form = MaterialFactory(item=item, name=f"《{item.name}申请表》", needs_form=True)
    form.form_file.save("form.docx", ContentFile(b"blank form"), save=False)
    form.sample_file.save("sample.docx", ContentFile(b"sample"), save=False)
    form.save()
    return item

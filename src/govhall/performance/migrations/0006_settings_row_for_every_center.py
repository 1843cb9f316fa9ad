"""Each centre has its BulletinSettings row from its creation on (`core.settings_rows`), with
the shipped 工作要求 as the default; the centres made before get theirs, as reading them no
longer creates it. The issuer stays blank: the bulletin signs with the centre's name then."""


from django.db import migrations, models

from govhall.core.settings_rows import rows_for_existing_centers


class Migration(migrations.Migration):

    dependencies = [
        ('performance', '0005_low_volume_standing'),
    ]

    operations = [
        migrations.AlterField(
            model_name='bulletinsettings',
            name='requirements',
            field=models.TextField(blank=True, default='(一)各窗口单位要加大“一网通办”工作力度,确保办件数据实时全量归集,实现政务服务“好差评”全覆盖。\n(二)各窗口单位要把懂业务的骨干选派到窗口,加强前台、后台协作,做到前台综合受理、后台分类审批、统一窗口出件。\n(三)各窗口单位要严明工作纪律,压实窗口责任,加强文明服务礼仪培训。', verbose_name='工作要求'),
        ),
        migrations.AlterField(
            model_name='historicalbulletinsettings',
            name='requirements',
            field=models.TextField(blank=True, default='(一)各窗口单位要加大“一网通办”工作力度,确保办件数据实时全量归集,实现政务服务“好差评”全覆盖。\n(二)各窗口单位要把懂业务的骨干选派到窗口,加强前台、后台协作,做到前台综合受理、后台分类审批、统一窗口出件。\n(三)各窗口单位要严明工作纪律,压实窗口责任,加强文明服务礼仪培训。', verbose_name='工作要求'),
        ),
        rows_for_existing_centers("performance", "BulletinSettings"),
    ]

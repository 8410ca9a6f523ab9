import os

from django.apps import AppConfig
from django.conf import settings


class CloudshelfConfig(AppConfig):
    name = "cloudshelf"

    def ready(self):
        if settings.LOCALAWS:
            start_local_aws(settings.LOCALAWS)
        if settings.LOCALSTRIPE:
            from cloudshelf.localstripe import start_for_django

            start_for_django(settings.LOCALSTRIPE)


def start_local_aws(config):
    """Start the embedded emulator if nothing answers on its port, and on a developer's
    first start create the tables and load the sample catalog."""
    from cloudshelf import localaws

    data_dir = config.get("data_dir")
    log_path = os.path.join(data_dir, "localaws.log") if data_dir else None
    # Under runserver's autoreloader, tie the emulator to the long-lived outer process.
    owner = os.getppid() if os.environ.get("RUN_MAIN") == "true" else os.getpid()
    localaws.ensure_running(
        port=config["port"],
        data_dir=data_dir,
        region=settings.AWS_REGION,
        stop_with_pid=owner,
        log_path=log_path,
    )
    if config.get("seed"):
        from store.catalog.seed import catalog_bootstrap

        catalog_bootstrap()

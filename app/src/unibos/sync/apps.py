from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "unibos.sync"
    label = "sync"
    verbose_name = "Offline-first sync"

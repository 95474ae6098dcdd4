from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "unibos.hub.sync"
    # The label this app had as unibos.sync: databases record it with each applied
    # migration and in the names of the sync_* tables, so it must not change.
    label = "sync"
    verbose_name = "Offline-first sync"

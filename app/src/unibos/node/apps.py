from django.apps import AppConfig


class NodeConfig(AppConfig):
    name = "unibos.node"
    label = "node"
    verbose_name = "UNIBOS node"

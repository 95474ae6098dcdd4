"""The URL map of this deployment: health for all, then the hub's or the node's API."""

from django.conf import settings
from django.urls import include, path

from unibos.core import views

urlpatterns = [
    path("api/health", views.health, name="health"),
    path("api/ready", views.ready, name="ready"),
]

# The development profile plays the hub's part as well as every other.
if settings.UNIBOS_DEPLOYMENT_TYPE in ("hub", "development"):
    urlpatterns.append(path("", include("unibos.api.urls")))
elif settings.UNIBOS_DEPLOYMENT_TYPE == "node":
    urlpatterns.append(path("", include("unibos.node.urls")))

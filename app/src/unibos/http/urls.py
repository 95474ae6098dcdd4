"""The URL map of this deployment: health for all, then the hub's or the node's API."""

from django.conf import settings
from django.urls import include, path

from unibos.http import health

urlpatterns = [
    path("api/health", health.health, name="health"),
    path("api/ready", health.ready, name="ready"),
]

# The development profile plays the hub's part as well as every other.
if settings.UNIBOS_DEPLOYMENT_TYPE in ("hub", "development"):
    urlpatterns.append(path("", include("unibos.http.hub.urls")))
elif settings.UNIBOS_DEPLOYMENT_TYPE == "node":
    urlpatterns.append(path("", include("unibos.http.node.urls")))

"""The HTTP layer: one toolkit (errors, request bodies, the OpenAPI document) and the
endpoints of the hub (`unibos.http.hub`) and of the node (`unibos.http.node`).

It sits on top of the domain packages: views call domain code and turn its errors into
statuses; nothing below imports from here.
"""

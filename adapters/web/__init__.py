"""The web dashboard (spec/web.md): server-rendered pages over the same application services and commands as the
chat. `mount` adds its routes and static files to the app, with the parts the composition root hands it."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.staticfiles import StaticFiles

from adapters.web import routes_actions, routes_approvals, routes_loop, routes_pages, routes_signin
from adapters.web.templating import STATIC
from bot.dashboard import Dashboard

# Every page's router; a new page (goals, A/B tests) adds its module here and its entry in nav.NAV.
ROUTERS: tuple[APIRouter, ...] = (routes_signin.router, routes_pages.router, routes_approvals.router,
                                  routes_actions.router, routes_loop.router)


class CachedStatic(StaticFiles):
    """Scripts, styles and the vendored libraries: the same for everyone, so a browser may keep them an hour."""

    def file_response(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response


def mount(app: FastAPI, dashboard: Dashboard, trust_proxy: bool) -> None:
    app.state.dashboard = dashboard
    app.state.web_trust_proxy = trust_proxy
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", CachedStatic(directory=STATIC), name="static")

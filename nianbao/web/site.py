"""The application put together: routes, middleware, error pages (``create_app``)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from . import views_agency, views_api, views_office, worker
from .app import HERE, Config, Guard, State, page


def create_app(config: Config) -> Starlette:
    worker.start()
    routes = [
        *views_office.routes,
        *views_agency.routes,
        *views_api.routes,
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    st = State(config)

    async def not_found(request: Request, exc: Exception) -> Response:
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"error": "未找到"}, status_code=404)
        return HTMLResponse(page("error.html", request, title="未找到", message="该页面不存在或链接已失效。"),
                            status_code=404)

    async def failed(request: Request, exc: Exception) -> Response:
        import logging

        logging.getLogger("nianbao.web").exception("request failed: %s", request.url.path)
        text = "服务器处理请求时出错，已记录；请稍后重试，或联系政务公开办。"
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"error": text}, status_code=500)
        return HTMLResponse(page("error.html", request, title="出错了", message=text), status_code=500)

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(Guard, limit=config.upload_limit),
            Middleware(SessionMiddleware, secret_key=st.key.hex(), session_cookie="nianbao_session",
                       same_site="lax", https_only=config.secure_cookies, max_age=12 * 3600),
        ],
        exception_handlers={404: not_found, 500: failed},
    )
    app.state.nianbao = st
    return app

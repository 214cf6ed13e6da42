// The "api" instance's app: a Web-standard fetch handler (the shape Hono and similar
// frameworks export), served by gunicorn-ts without an adapter in the app.
export default {
  fetch(request: Request): Response {
    const url = new URL(request.url);
    if (url.pathname === '/health') return Response.json({ status: 'ok', worker: process.pid });
    return Response.json({ api: process.env['API_NAME'] ?? 'api', path: url.pathname, worker: process.pid }, { status: url.pathname === '/' ? 200 : 404 });
  },
};

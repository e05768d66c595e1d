"""Stand-ins of the identity domain's outside services (SMS gateways, identity verification),
speaking their documented HTTP APIs and checking our request signatures independently of the
SDKs under test. Tencent Cloud's SDK sends over httpx, so its stand-in is respx routes;
Alibaba Cloud's sends over aiohttp, which respx cannot intercept, so its stand-in is a real
local HTTP server on a free port (aliyun.py)."""

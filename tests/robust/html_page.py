<!DOCTYPE html>
<html><head><title>asyncio</title></head>
<body><p>Not Python</p></body></html>

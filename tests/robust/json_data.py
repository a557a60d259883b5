{"name": "scenario", "ok": true, "items": [1, 2, null]}

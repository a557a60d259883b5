import asyncio
import socket

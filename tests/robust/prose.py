Dear student,

this file is a letter, not a program. Please run asyncio scenarios only.

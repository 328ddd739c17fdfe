"""Stage 3: organisation plugins (pluggy) feed the documents.

``hookspecs`` declares the hooks, ``context`` what a hook receives, ``loading`` finds and
registers the plugins a stack names, ``host`` calls them one by one and merges their
``contributions``. This file imports nothing, so that importing ``contributions`` alone
does not load pluggy.
"""

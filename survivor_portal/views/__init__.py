"""The survivor-facing site's views, one module per part of it (SPEC 4):
``home`` (sign-in and her status page), ``account`` (activation and her
settings), ``thread`` (messages and what her worker shared), ``plan``,
``leave`` (sign-out and quick exit), ``ops`` (probes) and ``errors``."""

"""Everything a coach sees, all under /coach: accounts (login, password,
sign-up) and workshops. Each part is a blueprint mounted at URL_PREFIX."""

URL_PREFIX = "/coach"

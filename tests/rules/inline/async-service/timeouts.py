# pyhunt-test: PH112
# No line here expects PH112, so none may be flagged: the header names the
# rule this fixture checks.
import requests


def get(url):
    return requests.get(url, timeout=3)

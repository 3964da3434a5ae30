def load_config():
    with open("settings.toml") as f:
        return f.read()

"""factory_boy and pytest-factoryboy compatibility: their documented behaviour, against ours."""

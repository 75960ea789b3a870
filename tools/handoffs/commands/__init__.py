"""One module per subcommand: ``register`` adds its arguments, ``run`` executes it."""

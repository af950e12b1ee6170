from zajecia_05_model.registry_cli import main

raise SystemExit(main())

from zajecia_08_deploy.cli import main

raise SystemExit(main())

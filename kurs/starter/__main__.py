from kurs.starter.generate import main

raise SystemExit(main())

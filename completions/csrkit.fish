complete --keep-order --exclusive --command csrkit --arguments "(COMPLETE=fish csrkit -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"

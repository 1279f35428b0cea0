"""An editor's save: the role policy, publishing rules, tagging, history and restore."""

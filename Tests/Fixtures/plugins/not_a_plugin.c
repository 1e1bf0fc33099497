/* Test fixture: a shared library that is not an RTX plugin (no rtx_plugin_entry_v1). */
int not_a_plugin(void) { return 42; }

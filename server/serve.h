/*
 * serve.h — the server's commands (prefix sv_): `skillscore serve` and `skillscore audit
 * verify`. serve.c is the hub: it reads the options, opens the store, makes the lws context and
 * runs the loop, and ties the rooms together (sv_hooks).
 */
#ifndef SKILLSCORE_SERVE_H
#define SKILLSCORE_SERVE_H

/* serve.c: the commands. */
int sv_serve_main(int argc, char **argv);
int sv_audit_main(int argc, char **argv);

#endif

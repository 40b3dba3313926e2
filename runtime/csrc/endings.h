/* Records how the process ended: fatal signals (exit and _exit are hooked in gilhooks.c). */
#ifndef GILSCOPE_ENDINGS_H
#define GILSCOPE_ENDINGS_H

void gs_endings_install(void);

#endif

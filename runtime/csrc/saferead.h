/* Reading memory that may not be mapped, without a fault (saferead.c). */
#ifndef GILSCOPE_SAFEREAD_H
#define GILSCOPE_SAFEREAD_H

#include <stddef.h>

/* Copies n bytes from `from` in this process into `to`; 0 when all were
 * readable, -1 when not (nothing faults). */
int gs_safe_read(void *to, const void *from, size_t n);

#endif

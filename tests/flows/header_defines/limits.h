/* Included by features.h: its define reaches the files including features.h too. */
#ifndef DEV_LIMITS_H
#define DEV_LIMITS_H
#define DEV_FIFO_DEPTH 16
#endif

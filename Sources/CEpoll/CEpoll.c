// The header is all there is; this file gives the target something to compile.
#include "CEpoll.h"

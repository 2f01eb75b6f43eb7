/* A device calling the header's inline helpers: arguments go in, the result comes back. */
#include "devhlp.h"

unsigned devXferSectors(unsigned cbXfer)
{
    unsigned cSectors = devHlpRound(cbXfer);
    return cSectors;
}

unsigned devOtherSectors(unsigned cbOther)
{
    return devHlpRound(cbOther);
}

void devWrite(DEVREGS *pRegs, unsigned uValue)
{
    devHlpLatch(pRegs, uValue);
}

/* A file-static function of another .c file (not a header) stays private to that file. */
unsigned devCount(unsigned cItems)
{
    return locCount(cItems);
}

// flow here: devXferSectors#0 -> devhlp.h:devHlpRound#0
// flow here: devXferSectors#0 -> devXferSectors()
// flow here: devWrite#1 -> DEVREGS.uLastValue
// no flow here: devOtherSectors#0 -> devXferSectors()
// no flow here: devCount#0 -> other.c:locCount#0
// no flow here: devCount#0 -> otherCount()

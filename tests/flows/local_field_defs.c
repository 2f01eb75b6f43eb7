/* A local struct's field is flow-sensitive like a scalar (issue 27): a call handed &s that
   writes the struct (a read of a descriptor from guest memory), a whole assignment s = t, and a
   store s.f = v are each a new definition of the field; a read of s.f takes the definitions
   that reach it. A value stored before a refill does not reach a read after it, and what the
   refill writes does not reach a read before it.
   Negative twins: a read after the refill gets what the refill wrote; a call that writes only
   some fields (tdTouch) leaves the others as they were; a store in a loop reaches the next
   round's read. */
typedef unsigned int uint32_t;
typedef unsigned long size_t;
typedef struct PDMDEVINS *PPDMDEVINS;
int PDMDevHlpPhysRead(PPDMDEVINS pDevIns, uint32_t GCPhys, void *pvBuf, size_t cbRead);

typedef struct TD { uint32_t hwinfo; uint32_t next; uint32_t cbp; } TD;

uint32_t g_uBefore, g_uAfter, g_uFirst, g_uSecond, g_uStored, g_uOld, g_uKept, g_uCopied, g_uRound, g_uTree;

static void tdRead(uint32_t uAddr, TD *pTd)
{
    TD Tmp;
    Tmp.hwinfo = uAddr;
    Tmp.next = uAddr;
    Tmp.cbp = uAddr;
    *pTd = Tmp;
}

static void tdTouch(TD *pTd)
{
    pTd->cbp = 0;
}

void serviceTd(PPDMDEVINS pDevIns, uint32_t uOld, uint32_t uAddr)
{
    TD Td;
    Td.hwinfo = uOld;
    g_uBefore = Td.hwinfo;
    PDMDevHlpPhysRead(pDevIns, uAddr, &Td, sizeof(Td));
    g_uAfter = Td.hwinfo;
}

// flow here: serviceTd#1 (uOld) -> g_uBefore
// flow here: guest-memory:PDMDevHlpPhysRead -> g_uAfter
// no flow here: g_uAfter <- serviceTd#1 (uOld)
// no flow here: g_uBefore <- guest-memory:PDMDevHlpPhysRead

void walkTds(PPDMDEVINS pDevIns, uint32_t uFirst, uint32_t uNext)
{
    TD Td;
    PDMDevHlpPhysRead(pDevIns, uFirst, &Td, sizeof(Td));
    Td.next = uNext;
    g_uFirst = Td.next;
    PDMDevHlpPhysRead(pDevIns, Td.next, &Td, sizeof(Td));
    g_uSecond = Td.next;
}

// flow here: walkTds#2 (uNext) -> g_uFirst
// flow here: guest-memory:PDMDevHlpPhysRead -> g_uSecond
// no flow here: g_uSecond <- walkTds#2 (uNext)

void patchTd(uint32_t uAddr, uint32_t uNext)
{
    TD Td;
    tdRead(uAddr, &Td);
    Td.next = uNext;
    g_uStored = Td.next;
    g_uOld = Td.hwinfo;
    tdTouch(&Td);
    g_uKept = Td.hwinfo;
}

// flow here: patchTd#1 (uNext) -> g_uStored
// flow here: patchTd#0 (uAddr) -> g_uOld
// flow here: patchTd#0 (uAddr) -> g_uKept
// no flow here: g_uStored <- patchTd#0 (uAddr)
// no flow here: g_uOld <- patchTd#1 (uNext)

void copyTd(uint32_t uOld, const TD *pSrc)
{
    TD Td;
    Td.cbp = uOld;
    Td = *pSrc;
    g_uCopied = Td.cbp;
}

// no flow here: g_uCopied <- copyTd#0 (uOld)

void loopTd(PPDMDEVINS pDevIns, uint32_t uStart, uint32_t n)
{
    TD Td;
    Td.next = uStart;
    while (n-- > 0)
    {
        g_uRound = Td.next;
        PDMDevHlpPhysRead(pDevIns, Td.next, &Td, sizeof(Td));
    }
}

// flow here: loopTd#1 (uStart) -> g_uRound
// flow here: guest-memory:PDMDevHlpPhysRead -> g_uRound

void refillTree(uint32_t uOld, uint32_t uAddr)
{
    TD Td;
    Td.hwinfo = uOld;
    tdRead(uAddr, &Td);
    g_uTree = Td.hwinfo;
}

// flow here: refillTree#1 (uAddr) -> g_uTree
/* Not yet: TD is one location (no array or list of it): tdRead may keep the pointer, so at that
   call the field stands for the type's field both ways (graph/objects.py escapes), and the
   value stored before the call comes back out of the type's field (local_field_defs_objects.c:
   not for a struct of many objects): */
// known extra: refillTree#0 (uOld) -> g_uTree (through the type's field TD.hwinfo)

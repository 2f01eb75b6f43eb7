/* A local struct's field is flow-sensitive (issue 27) also where the struct is handed to
   functions of the tree: for a struct of many objects (an array of it exists), a callee that
   writes what its parameter points to replaces every field, one that writes some fields
   replaces those, and each call's values stay with that call (local_field_defs.c: a struct
   of one location, and refills by a model).
   Negative twins: the value the callee writes reaches the reads after the call; a field the
   callee does not write keeps its value. */
typedef unsigned int uint32_t;

typedef struct XTD { uint32_t hwinfo; uint32_t next; uint32_t cbp; } XTD;

XTD g_aTds[4];
uint32_t g_uTree, g_uFirst, g_uSecond, g_uKept, g_uTouched, g_uSeen, g_uCbBefore;

static void xtdRead(uint32_t uAddr, XTD *pTd)
{
    XTD Tmp;
    Tmp.hwinfo = uAddr;
    Tmp.next = uAddr;
    Tmp.cbp = uAddr;
    *pTd = Tmp;
}

static void xtdTouch(XTD *pTd, uint32_t cb)
{
    g_uSeen = pTd->next;
    pTd->cbp = cb;
}

void refillTree(uint32_t uOld, uint32_t uAddr)
{
    XTD Td;
    Td.hwinfo = uOld;
    xtdRead(uAddr, &Td);
    g_uTree = Td.hwinfo;
}

// flow here: refillTree#1 (uAddr) -> g_uTree
// no flow here: refillTree#0 (uOld) -> g_uTree
// no flow here: g_uTree <- refillTree#0 (uOld)

void walkTree(uint32_t uFirst, uint32_t uSecond)
{
    XTD Td;
    xtdRead(uFirst, &Td);
    g_uFirst = Td.next;
    xtdRead(uSecond, &Td);
    g_uSecond = Td.next;
}

// flow here: walkTree#0 (uFirst) -> g_uFirst
// flow here: walkTree#1 (uSecond) -> g_uSecond
// no flow here: walkTree#0 (uFirst) -> g_uSecond
// no flow here: g_uFirst <- walkTree#1 (uSecond)

void touchTree(uint32_t uAddr, uint32_t uNext, uint32_t cb)
{
    XTD Td;
    xtdRead(uAddr, &Td);
    Td.next = uNext;
    g_uCbBefore = Td.cbp;
    xtdTouch(&Td, cb);
    g_uKept = Td.next;
    g_uTouched = Td.cbp;
}

// flow here: touchTree#1 (uNext) -> g_uKept
// flow here: touchTree#1 (uNext) -> g_uSeen
// flow here: touchTree#2 (cb) -> g_uTouched
// flow here: touchTree#0 (uAddr) -> g_uTouched
// no flow here: touchTree#0 (uAddr) -> g_uKept
// no flow here: g_uKept <- touchTree#2 (cb)
// flow here: touchTree#0 (uAddr) -> g_uCbBefore
// no flow here: touchTree#2 (cb) -> g_uCbBefore
// no flow here: g_uCbBefore <- touchTree#2 (cb)

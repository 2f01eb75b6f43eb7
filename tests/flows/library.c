/* Library functions are models: a copy moves contents from source to destination, an
   allocation's size is a sink of its own and never reaches the pointer it returns, and a
   definition of memcpy somewhere in the tree (a ROM's own C library) is not used instead. */
typedef unsigned long size_t;
typedef struct DEV { unsigned uSaved; void *pvBuf; void *pvCopy; } DEV;

void devCopy(void *pvDst, const void *pvSrc, size_t cb)
{
    memcpy(pvDst, pvSrc, cb);
}

void devUse(DEV *pThis, unsigned uIn)
{
    unsigned uOut;
    devCopy(&uOut, &uIn, sizeof(uOut));
    pThis->uSaved = uOut;
}

void devStore(DEV *pThis, unsigned uValue)
{
    unsigned uTmp;
    memcpy(&uTmp, &uValue, sizeof(uTmp));
    pThis->uSaved = uTmp;
}

void *devAlloc(DEV *pThis, size_t cbAlloc)
{
    void *pv = RTMemAlloc(cbAlloc);
    pThis->pvBuf = pv;
    return pv;
}

void devDup(DEV *pThis, const void *pvSrc, size_t cbSrc)
{
    pThis->pvCopy = RTMemDup(pvSrc, cbSrc);
}

/* A ROM's own C library in the same tree. */
void *memcpy(void *pvDst, const void *pvSrc, size_t cb)
{
    char *pbDst = (char *)pvDst;
    while (cb--)
        *pbDst++ = 0;
    return pvDst;
}

// flow here: devCopy#1 -> devCopy#0*
// flow here: devCopy#2 -> copy-size:memcpy
// no flow here: devCopy#2 -> devCopy#0*
// flow here: devUse#1 -> DEV.uSaved
// flow here: devStore#1 -> DEV.uSaved
// flow here: devAlloc#1 -> alloc-size:RTMemAlloc
// no flow here: devAlloc#1 -> DEV.pvBuf
// no flow here: devAlloc#1 -> devAlloc()
// flow here: devDup#1 -> DEV.pvCopy
// flow here: devDup#2 -> alloc-size:RTMemDup
// no flow here: devDup#2 -> DEV.pvCopy
// no flow here: devCopy#2 -> memcpy#2

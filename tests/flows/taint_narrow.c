/* Taint: a narrowing cast bounds the guest index (checked); a widening one does not
   (unchecked). The value is what the guest writes to an I/O port, used as an allocation size. */
static int devOutNarrow(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    unsigned cbAlloc = (unsigned char)u32;
    void *pv = RTMemAlloc(cbAlloc); // taint: checked (narrowing cast)
    return 0;
}

static int devOutWide(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    unsigned long cbAlloc = (unsigned long)u32;
    void *pv = RTMemAlloc(cbAlloc); // taint: unchecked
    return 0;
}

static int devOutNarrowLocal(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    uint8_t cbSmall = u32;
    void *pv = RTMemAlloc(cbSmall); // taint: checked (narrowing cast)
    return 0;
}

int devConstruct(void *pDevIns)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutNarrow, 0, 0, "a", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutWide, 0, 0, "b", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutNarrowLocal, 0, 0, "c", 0, 0);
    return 0;
}

// flow here: devOutWide#3 (u32) -> alloc-size:RTMemAlloc

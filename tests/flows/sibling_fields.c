/* A field stored into a local struct or array is part of the whole variable, and the whole
   variable written at once (a guest read into it, a copy) reaches each of its fields; but
   what one field holds does not become another field's value by passing through the whole
   (issue 27: a descriptor's length, byte-swapped in place, was listed as the source of its
   address; a CPUID leaf's eax as its ebx). Negative twins: the whole copied into another
   variable carries the field there, and the whole read from the outside reaches every field. */
typedef unsigned int uint32_t;

typedef struct DESC { uint32_t addr; uint32_t len; } DESC;

void readDescs(DESC *pDst, uint32_t uFrom)
{
    DESC Tmp;
    Tmp.addr = uFrom;
    Tmp.len = uFrom;
    *pDst = Tmp;
}

uint32_t g_uAddr;
uint32_t g_uLen;
uint32_t g_uCopyLen;

void descFix(uint32_t uFrom, uint32_t uLen)
{
    DESC Desc;
    readDescs(&Desc, uFrom);
    Desc.len = uLen;
    g_uAddr = Desc.addr;
    g_uLen = Desc.len;
}

// no flow here: descFix#1 (uLen) -> g_uAddr
// flow here: descFix#1 (uLen) -> g_uLen
// flow here: descFix#0 (uFrom) -> g_uAddr

void descCopy(uint32_t uLen)
{
    DESC One;
    DESC Two;
    One.len = uLen;
    Two = One;
    g_uCopyLen = Two.len;
}

// flow here: descCopy#0 (uLen) -> g_uCopyLen

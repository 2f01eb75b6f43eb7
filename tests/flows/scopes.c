/* Shadowed locals: an inner block's declaration is another variable than the outer one. */
typedef unsigned long long uint64_t;
uint64_t g_uOuter;
uint64_t g_uInner;

void shadow(uint64_t uIn, uint64_t uOther)
{
    uint64_t uData = uIn;
    {
        uint64_t uData = uOther;
        g_uInner = uData;
    }
    g_uOuter = uData;
}

// flow here: shadow#0 (uIn) -> g_uOuter
// flow here: shadow#1 (uOther) -> g_uInner
// no flow here: shadow#1 (uOther) -> g_uOuter
// no flow here: shadow#0 (uIn) -> g_uInner

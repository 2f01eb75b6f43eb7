/* C++ standard containers: what goes in through push_back/insert comes out of front/back/at;
   the container models live in queries/models/cxx.toml. */
typedef unsigned long long uint64_t;
uint64_t g_uOut;
uint64_t g_uOther;

void roundTrip(uint64_t uIn, uint64_t uElse)
{
    std::vector<uint64_t> vec;
    std::vector<uint64_t> other;
    vec.push_back(uIn);
    other.push_back(uElse);
    g_uOut = vec.back();
}

// flow here: roundTrip#0 (uIn) -> g_uOut
// no flow here: roundTrip#1 (uElse) -> g_uOut

static void fill(std::vector<uint64_t> &v, uint64_t u)
{
    v.push_back(u);
}

void viaReference(uint64_t uIn)
{
    std::vector<uint64_t> items;
    fill(items, uIn);
    g_uOther = items.at(0);
}

// flow here: viaReference#0 (uIn) -> g_uOther

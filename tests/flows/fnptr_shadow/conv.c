/* The functions the table's file may name (see table.c). */
typedef unsigned long long uint64_t;

uint64_t convShared(uint64_t u)
{
    return u + 1;
}

uint64_t convOwn(uint64_t u)
{
    return u + 2;
}

/* api_import.c — placeholder, replaced below. */
#include "server.h"
void api_entries_import(sv_server *s, sv_request *rq, sv_response *rs)
{
    (void)s;
    (void)rq;
    sv_error(rs, 501, NULL, "not yet");
}

// The JSON shape of `sxctl stats --json`: every figure the hub sent, with the
// contract's names (statistics.proto), for programs that make their own
// reports; amounts stay in fen.
#pragma once

#include "client_sdk/sxctl/json_writer.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// {"from_date": ..., "to_date": ..., "units": [{"agency_id": ...,
// "display_name": ..., "as_sender": {...}, "as_recipient": {...}}],
// "totals": {...}}, each figures object with all of SideFigureFields().
void WriteStatisticsJson(const client::Statistics& statistics,
                         JsonWriter& json);

}  // namespace sx::sxctl

#include "client_sdk/sxctl/statistics_json.h"

namespace sx::sxctl {
namespace {

void WriteFigures(const client::SideFigures& figures, JsonWriter& json) {
  json.BeginObject();
  for (const client::SideFigureField& field : client::SideFigureFields()) {
    json.Key(field.name).Uint(figures.*field.figure);
  }
  json.EndObject();
}

}  // namespace

void WriteStatisticsJson(const client::Statistics& statistics,
                         JsonWriter& json) {
  json.BeginObject();
  json.Key("from_date").String(statistics.from_date);
  json.Key("to_date").String(statistics.to_date);
  json.Key("units").BeginArray();
  for (const client::UnitFigures& unit : statistics.units) {
    json.BeginObject();
    json.Key("agency_id").String(unit.agency_id);
    json.Key("display_name").String(unit.display_name);
    json.Key("as_sender");
    WriteFigures(unit.as_sender, json);
    json.Key("as_recipient");
    WriteFigures(unit.as_recipient, json);
    json.EndObject();
  }
  json.EndArray();
  json.Key("totals");
  WriteFigures(statistics.totals, json);
  json.EndObject();
}

}  // namespace sx::sxctl

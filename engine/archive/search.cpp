// Search: FTS5 over procedures, notes, tags and body sites, with filters. User text reaches
// SQLite only as bound parameters, and FTS5 syntax in it is quoted into plain words.
#include <algorithm>
#include <cctype>
#include <map>

#include "archive/archive_impl.hpp"

namespace clinvid::archive {

// FTS5 query text from user words: every token is a quoted string (inner quotes doubled), so
// FTS5 operators (AND, OR, NOT, NEAR, column filters, ^, parentheses) in user input are just
// words. A trailing '*' on a token asks for a prefix match. Empty when there are no words.
std::string fts_query(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
    std::size_t j = i;
    while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j])) == 0) ++j;
    if (j > i) {
      std::string_view token = text.substr(i, j - i);
      bool prefix = false;
      if (token.size() > 1 && token.back() == '*') {
        prefix = true;
        token.remove_suffix(1);
      }
      std::string quoted = "\"";
      for (const char c : token) {
        if (c == '"') quoted += '"';
        quoted += c;
      }
      quoted += '"';
      if (prefix) quoted += '*';
      if (!out.empty()) out += ' ';
      out += quoted;
    }
    i = j;
  }
  return out;
}

Result<std::vector<RecordingInfo>> Archive::search(const SearchQuery& q) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (I.user.role == consent::Role::auditor) {
    return fail(Errc::permission_denied,
                "refused by rule auditor-no-media: auditors do not browse patient recordings");
  }
  std::string sql = "SELECT r.id FROM recordings r WHERE 1 = 1";
  std::vector<std::string> binds;
  auto param = [&](std::string value) {
    binds.push_back(std::move(value));
    return "?" + std::to_string(binds.size());
  };
  const std::string match = fts_query(q.text);
  if (!match.empty()) {
    sql += " AND r.rowid IN (SELECT rowid FROM recordings_fts WHERE recordings_fts MATCH " +
           param(match) + ")";
  }
  if (q.patient_id) sql += " AND r.patient_id = " + param(*q.patient_id);
  if (q.from) sql += " AND r.recorded_on >= " + param(q.from->to_string());
  if (q.to) sql += " AND r.recorded_on <= " + param(q.to->to_string());
  if (q.purpose) {
    sql += " AND EXISTS (SELECT 1 FROM json_each(r.purposes) WHERE value = " +
           param(std::string(consent::to_string(*q.purpose))) + ")";
  }
  if (q.body_site) {
    sql += " AND r.id IN (SELECT recording_id FROM recording_sites WHERE site = " +
           param(*q.body_site) + ")";
  }
  if (!q.include_erased) sql += " AND r.status = 'active'";
  sql += " ORDER BY r.recorded_on DESC, r.id";
  // The consent-state filter needs the sealed forms: filter after the query, then limit.
  if (!q.consent_state) sql += " LIMIT " + std::to_string(std::max(0, q.limit));
  std::vector<std::string> ids;
  {
    auto stmt = I.db.prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    for (std::size_t i = 0; i < binds.size(); ++i) stmt->bind(static_cast<int>(i + 1), binds[i]);
    for (;;) {
      auto row = stmt->step();
      if (!row) {
        if (!match.empty()) {
          return fail(Errc::invalid_argument,
                      "search text could not be used: " + row.error().detail);
        }
        return tl::unexpected(row.error());
      }
      if (!*row) break;
      ids.push_back(stmt->col_text(0));
    }
  }
  std::vector<RecordingInfo> out;
  std::map<std::string, std::optional<consent::ConsentRecord>> forms;
  const consent::Date today = today_utc();
  for (const std::string& id : ids) {
    if (q.consent_state && static_cast<int>(out.size()) >= q.limit) break;
    auto rec = I.load_recording(id);
    if (!rec) return tl::unexpected(rec.error());
    if (q.consent_state) {
      consent::ConsentState state = consent::ConsentState::none;
      if (!rec->consent_id.empty()) {
        auto it = forms.find(rec->consent_id);
        if (it == forms.end()) {
          auto form = I.load_consent(rec->consent_id);
          it = forms.emplace(rec->consent_id, form ? std::optional(std::move(*form)) : std::nullopt)
                   .first;
        }
        if (it->second) {
          state = consent::consent_state(
              *it->second, q.purpose.value_or(consent::Purpose::clinical_record), today);
        }
      }
      if (state != *q.consent_state) continue;
    }
    out.push_back(std::move(*rec));
  }
  return out;
}

}  // namespace clinvid::archive

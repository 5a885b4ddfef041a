#!/usr/bin/env bash
# Quickstart: the whole loop 移送 → 签收 → 处置 → 反馈 → 销号 on this machine.
# Installs missing Debian packages, builds, generates dev certificates, starts
# sxhub on loopback with an embedded RocksDB data directory, and plays a
# scripted scenario with sxctl acting as each agency (cases from
# docs/CASES.md). Ends with a summary and exits 0 if every step behaved.
#
#   deploy/quickstart.sh                 # demo, then stop the hub
#   deploy/quickstart.sh --keep-running  # demo, then leave the hub up for sxctl by hand
# Options for CI: --skip-build, --build-dir=DIR, --workdir=DIR, --port=N (0: any free port).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
work="$root/.sxhub-dev/quickstart"
port=7443
keep_running=false
skip_build=false
for arg in "$@"; do
  case "$arg" in
    --keep-running) keep_running=true ;;
    --skip-build) skip_build=true ;;
    --build-dir=*) build="${arg#*=}" ;;
    --workdir=*) work="${arg#*=}" ;;
    --port=*) port="${arg#*=}" ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "quickstart: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\033[1m==>\033[0m %s\n' "$*"; }
fail() { printf 'quickstart: FAILED: %s\n' "$*" >&2; exit 1; }

if ! $skip_build; then
  step "Installing missing Debian packages (if any)"
  "$root/deploy/install-deps.sh"
  step "Building sxhub and sxctl (this takes a few minutes the first time)"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j2 --target sxhub sxctl >/dev/null
fi
sxhub="$build/server/sxhub"
sxctl_bin="$build/client_sdk/sxctl/sxctl"
[[ -x "$sxhub" && -x "$sxctl_bin" ]] || fail "sxhub or sxctl not built in $build"

step "Generating development certificates and a fresh hub config in $work"
rm -rf "$work/data" "$work/data-backups"
mkdir -p "$work/profiles"
"$root/deploy/dev-pki.sh" "$work/pki" >/dev/null
# With --port=0 (tests, CI) the metrics endpoint takes any free port too, so
# that the quickstart can run beside other hubs.
metrics_port=9464
if [[ "$port" == 0 ]]; then metrics_port=0; fi
sed -e "s/127.0.0.1:7443/127.0.0.1:$port/" \
  -e "s/127.0.0.1:9464/127.0.0.1:$metrics_port/" \
  "$root/deploy/hub.example.textproto" >"$work/hub.textproto"

step "Starting sxhub"
"$sxhub" --config="$work/hub.textproto" >"$work/hub.out" 2>"$work/hub.log" &
hub_pid=$!
stop_hub() { kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null || true; }
$keep_running || trap stop_hub EXIT
for _ in $(seq 100); do
  grep -q "listening on" "$work/hub.out" 2>/dev/null && break
  kill -0 "$hub_pid" 2>/dev/null || fail "sxhub exited; see $work/hub.log"
  sleep 0.1
done
address=$(sed -n 's/^sxhub: listening on //p' "$work/hub.out")
[[ -n "$address" ]] || fail "sxhub did not start; see $work/hub.log"
echo "    sxhub pid $hub_pid on $address, data in $work/data"

# One sxctl profile per identity, so each command below acts as that agency;
# agencies sign each step with their own signing key (pki/signing/).
for identity in discipline-commission inspection-office organization-dept \
                audit-bureau stationed-education stationed-housing \
                admin-ops auditor-audit; do
  cat >"$work/profiles/$identity" <<EOF
hub = $address
server_name = localhost
cert = ../pki/$identity.crt
key = ../pki/$identity.key
ca = ../pki/ca.crt
EOF
  if [[ -e "$work/pki/signing/$identity.key" ]]; then
    cat >>"$work/profiles/$identity" <<EOF
signing_key = ../pki/signing/$identity.key
signing_cert = ../pki/signing/$identity.crt
EOF
  fi
done
as() { local who="$1"; shift; "$sxctl_bin" --profile="$work/profiles/$who" "$@"; }
id_of() { grep -o '"referral_id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'; }
child_of() { grep -o '"child_referral_id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'; }
# The newest child of a 交办: the last of delegated_referral_ids.
delegated_of() { tr -d ' \n' | grep -o '"delegated_referral_ids":\[[^]]*\]' | grep -o '"[^"]*"\]$' | tr -d '"]'; }
state_of() { as "$1" show "$2" --json | grep -o '"state": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'; }
# expect_refused CODE WHAT COMMAND...: COMMAND (an sxctl call) must be
# refused by the hub with CODE (exit status 1); its message is left in
# $work/refused.txt for the line that shows it.
expect_refused() {
  local code="$1" what="$2" status=0
  shift 2
  "$@" 2>"$work/refused.txt" >/dev/null || status=$?
  [[ $status == 1 ]] || fail "$what: exit status $status, expected 1 (refused)"
  grep -q "$code" "$work/refused.txt" ||
    fail "$what: expected $code, got: $(cat "$work/refused.txt")"
}
expect_state() {
  local got; got=$(state_of "$1" "$2")
  [[ "$got" == "$3" ]] || fail "$2 is $got, expected $3"
}

step "Case 1: an inspection group finds a lead and hands it over on the fast track (绿色通道)"
printf '日期,金额,收款账户\n2023-05-06,1200000,工作人员个人账户\n2023-06-12,860000,他人账户\n' \
  >"$work/转账记录.csv"
lead=$(as inspection-office send --json --to discipline-commission --kind lead \
  --subject "县土地储备中心" --subject-org "县自然资源局" \
  --category "进一步了解关注类" \
  --summary "土地储备中心通过工作人员个人账户、他人账户及现金收取大额土地出让金" \
  --source "巡察个别谈话、账目抽查" --sensitivity sensitive --urgency fast_track \
  --attach "$work/转账记录.csv" | id_of)
[[ -n "$lead" ]] || fail "submission returned no referral id"
echo "    巡察办 → 纪委监委: referral $lead (fast track, with 转账记录.csv)"

step "The commission reads its inbox, signs for the lead (签收) and chooses 初步核实"
as discipline-commission inbox list >/dev/null
as discipline-commission accept "$lead" >/dev/null
as discipline-commission dispose "$lead" --method preliminary_verification >/dev/null
echo "    纪委监委 accepted $lead and started preliminary verification"

step "Interim feedback, then the final result (反馈)"
as discipline-commission feedback "$lead" --kind interim \
  --text "已派两名干部提前介入，调取相关账户流水" >/dev/null
as discipline-commission feedback "$lead" --kind final \
  --text "已立案审查调查；当事人被开除党籍、开除公职，涉嫌犯罪问题移送司法机关" >/dev/null
expect_state inspection-office "$lead" feedback_sent
echo "    巡察办 received interim and final feedback on $lead"

step "The inspection office closes the matter (销号)"
as inspection-office close "$lead" >/dev/null
expect_state inspection-office "$lead" closed
echo "    $lead closed"

step "An audit finding: the audit bureau refers it to the commission (审计移送)"
audit=$(as audit-bureau send --json --to discipline-commission --kind audit_finding \
  --subject "市属国有企业担保项目" --subject-org "市国有资本投资运营公司" \
  --category "违规担保" --summary "近三年投资担保记录比对发现超出授权范围的担保" \
  --source "审计发现" --sensitivity ordinary --urgency normal | id_of)
[[ -n "$audit" ]] || fail "audit referral returned no id"
echo "    审计局 → 纪委监委: referral $audit"

step "转办: a stationed group's lead is passed on to the organization department"
stationed=$(as stationed-education send --json --to discipline-commission --kind lead \
  --subject "市教育局干部科" --category "选人用人问题" \
  --summary "干部选拔任用中存在程序不规范、考察不严问题" \
  --source "派驻监督日常了解" --sensitivity sensitive --urgency normal | id_of)
as discipline-commission accept "$stationed" >/dev/null
child=$(as discipline-commission reroute "$stationed" --to organization-dept \
  --reason "属干部选拔任用问题，转组织部门办理" --json | child_of)
[[ -n "$child" ]] || fail "reroute returned no child referral"
as organization-dept accept "$child" >/dev/null
expect_state stationed-education "$child" accepted
echo "    驻教育局纪检监察组 → 纪委监委 ($stationed) → 转办 → 组织部 ($child), accepted"

step "催办: the audit finding is still not signed for; the audit bureau presses"
as audit-bureau remind "$audit" --text "请于3日内签收并反馈办理意见" >/dev/null
echo "    审计局 sent a 督办 reminder on $audit; it is in the commission's inbox"

step "交办: the commission hands a lead to its stationed group and stays answerable for it"
school=$(as inspection-office send --json --to discipline-commission --kind lead \
  --subject "市教育局基建办" --subject-org "市教育局" --category "一般类" \
  --summary "校舍维修工程招投标中，两家投标单位疑似同一实际控制人，存在围标串标嫌疑" \
  --source "巡察发现" --sensitivity sensitive --urgency normal | id_of)
[[ -n "$school" ]] || fail "the school-works lead returned no referral id"
as discipline-commission accept "$school" >/dev/null
as discipline-commission dispose "$school" --method preliminary_verification \
  --handler "第三监督检查室 王某" --approver "分管常委 李某" >/dev/null
delegated=$(as discipline-commission delegate "$school" --json --to stationed-education \
  --instructions "请对校舍维修工程招投标问题开展初步核实，20日内报告结果" | delegated_of)
[[ -n "$delegated" ]] || fail "delegate returned no child referral"
expect_state inspection-office "$school" disposing
expect_state inspection-office "$delegated" submitted
echo "    巡察办 → 纪委监委 ($school, 初步核实) → 交办 → 驻教育局纪检监察组 ($delegated)"
echo "    $school stays with 纪委监委; 巡察办, which found the lead, may read $delegated too"

step "The stationed group verifies and reports; the commission's own final feedback waits for it"
as stationed-education accept "$delegated" >/dev/null
as stationed-education dispose "$delegated" --method preliminary_verification \
  --handler "驻教育局纪检监察组 赵某" --approver "组长 孙某" >/dev/null
expect_refused FAILED_PRECONDITION "final feedback on $school while $delegated works" \
  as discipline-commission feedback "$school" --kind final --text "初核完毕"
echo "    纪委监委's final feedback refused: $(grep -o 'unanswered: [^;]*' "$work/refused.txt")"
as stationed-education feedback "$delegated" --kind final \
  --text "经初步核实，两家投标单位实际控制人相同，围标串标问题属实；已对基建办负责人谈话提醒" \
  >/dev/null

step "巡察办 follows the delegated work from its inbox (inbox list: looking, not taking delivery)"
as inspection-office inbox list >"$work/inbox.txt"
awk -v id="$delegated" 'NR == 1 || $4 == id' "$work/inbox.txt" | sed 's/^/    /'
awk -v id="$delegated" '$4 == id { print $3 }' "$work/inbox.txt" >"$work/heard.txt"
for event in accepted disposition_recorded final_feedback; do
  grep -qx "$event" "$work/heard.txt" || fail "巡察办's inbox has no $event entry for $delegated"
done

step "The commission closes the delegated work, answers for the lead citing it; 巡察办 closes (销号)"
as discipline-commission close "$delegated" >/dev/null
as discipline-commission feedback "$school" --kind final --cites "$delegated" \
  --text "经交办驻市教育局纪检监察组初步核实，围标串标问题属实；已对基建办负责人谈话提醒，责令重新组织招标" \
  >/dev/null
as inspection-office close "$school" >/dev/null
expect_state inspection-office "$school" closed
as inspection-office show "$school" | sed -n '/^Feedback/,$p' | sed 's/^/    /'

step "处置 rules: 予以了结 needs an approver and a reason (disposition_rules)"
housing=$(as stationed-housing send --json --to discipline-commission --kind lead \
  --subject "市住建局物业科" --subject-org "市住建局" --category "一般类" \
  --summary "反映物业专项维修资金审批中收受好处" \
  --source "信访举报" --sensitivity sensitive --urgency normal | id_of)
[[ -n "$housing" ]] || fail "the housing lead returned no referral id"
as discipline-commission accept "$housing" >/dev/null
expect_refused INVALID_ARGUMENT "予以了结 without an approver" \
  as discipline-commission dispose "$housing" --method closed_without_action
echo "    without --approver (exit status 1): $(head -n 1 "$work/refused.txt")"
as discipline-commission dispose "$housing" --method closed_without_action \
  --handler "第四监督检查室 陈某" --approver "分管常委 李某" \
  --approval-ref "纪委常委会会议纪要〔2026〕15号" \
  --reason "经谈话了解、调取资金审批记录，反映问题查无实据" >/dev/null
as discipline-commission feedback "$housing" --kind final \
  --text "经核查，反映问题查无实据，予以了结" >/dev/null
as stationed-housing close "$housing" >/dev/null
expect_state stationed-housing "$housing" closed
as stationed-housing show "$housing" | sed -n '/^Dispositions/,/^$/{/^$/d;p}' | sed 's/^/    /'

step "暂存待查: a vague lead kept pending until a review date, its feedback clock paused; then reopened"
pending=$(as audit-bureau send --json --to discipline-commission --kind lead \
  --subject "某区教育局财务科" --subject-org "某区教育局" --category "一般类" \
  --summary "反映违规发放津补贴，未提供具体人员和金额" \
  --source "审计发现" --sensitivity ordinary --urgency normal | id_of)
[[ -n "$pending" ]] || fail "the kept-pending lead returned no referral id"
as discipline-commission accept "$pending" >/dev/null
as discipline-commission dispose "$pending" --method kept_pending \
  --review-date "$(date -d '+90 days' +%F)" --handler "第二监督检查室 刘某" \
  --approver "分管常委 李某" --reason "反映问题笼统，暂不具备核查条件" >/dev/null
expect_state audit-bureau "$pending" kept_pending
as audit-bureau show "$pending" | grep -E '^(state|feedback due|review date|paused since) ' \
  | sed 's/^/    /'
as discipline-commission reopen "$pending" --reason "收到新的举报材料，列明发放人员和金额" >/dev/null
expect_state audit-bureau "$pending" disposing
expect_refused FAILED_PRECONDITION "立案 on $pending without 初步核实" \
  as discipline-commission dispose "$pending" --method case_filed
echo "    reopened; 立案 before 初步核实 refused: $(grep -o 'cannot record[^;]*' "$work/refused.txt")"
as discipline-commission dispose "$pending" --method preliminary_verification \
  --handler "第二监督检查室 刘某" >/dev/null
as discipline-commission dispose "$pending" --method case_filed \
  --handler "第二监督检查室 刘某" --approver "分管常委 李某" >/dev/null
echo "    after 初步核实, 立案审查调查 recorded on $pending"

step "Case 3: the inspection office feeds back 5 categories, 11 problems for rectification (整改台账)"
due=$(date -d '+60 days' +%F)
{
  n=0
  while IFS='|' read -r category problem measure unit; do
    n=$((n + 1))
    printf 'category: %s\nproblem: %s\nmeasure: %s\nmeasure: 建立长效机制，纳入年度考核\nunit: %s\ndue: %s\n\n' \
      "$category" "$problem" "$measure" "$unit" "$due"
  done <<'ITEMS'
党的领导弱化|理论学习中心组学习流于形式|制定年度学习计划并严格考勤|办公室
党的领导弱化|重大事项请示报告不及时|修订请示报告制度|办公室
全面从严治党不力|主体责任清单未细化到岗|逐岗细化责任清单|机关党委
全面从严治党不力|廉政风险排查不全面|开展廉政风险再排查|纪检组
选人用人问题|干部选拔任用程序不规范|严格执行干部任用条例|干部科
选人用人问题|干部档案审核不严|对干部档案逐一复审|干部科
基层党建薄弱|党支部组织生活不规范|规范三会一课记录|机关党委
基层党建薄弱|发展党员把关不严|开展发展党员工作专项检查|机关党委
作风问题|违规发放津补贴|清退违规发放款项|财务科
作风问题|公务用车管理不规范|建立用车台账并公开|办公室
作风问题|调查研究不深入|建立领导干部联系基层制度|办公室
ITEMS
} >"$work/整改问题.txt"
list=$(as inspection-office send --json --to organization-dept --kind problem_list \
  --subject "市教育局党组" --category "巡察反馈问题清单" \
  --summary "第三轮巡察反馈问题5大类11项，请组织整改并逐项反馈" \
  --source "巡察反馈" --sensitivity ordinary --urgency normal \
  --items "$work/整改问题.txt" | id_of)
[[ -n "$list" ]] || fail "the problem list returned no referral id"
as organization-dept accept "$list" >/dev/null
echo "    巡察办 → 组织部: problem list $list with 11 items, signed for"

step "The unit reports item by item; the inspection office verifies (核验) or rejects (未通过)"
for item in $(seq 1 10); do
  as organization-dept rectification report "$list" "$item" --kind done \
    --text "已按整改措施完成整改，相关制度已印发" >/dev/null
done
as organization-dept rectification report "$list" 11 --kind long_term \
  --text "联系基层制度已建立，需长期坚持" --review-date "$(date -d '+180 days' +%F)" >/dev/null
for item in $(seq 1 11); do
  if [[ $item == 6 ]]; then
    as inspection-office rectification verify "$list" 6 --reject \
      --reason "缺少干部档案复审记录等整改佐证材料" >/dev/null
  else
    as inspection-office rectification verify "$list" "$item" --accept >/dev/null
  fi
done
as organization-dept dispose "$list" --method preliminary_verification >/dev/null
as organization-dept feedback "$list" --kind final --text "11项问题已整改10项，1项长期坚持" \
  --rectified 11 >/dev/null
# Final feedback is in, but item 6 is not settled: no 销号 yet.
expect_refused FAILED_PRECONDITION "销号 of $list with item 6 open" \
  as inspection-office close "$list"
echo "    item 6 rejected; 销号 refused: $(grep -o '[0-9]* of [0-9]* rectification items are not settled[^(]*([^)]*): item [0-9]* [^ ]*' "$work/refused.txt")"
grep -q "item 6" "$work/refused.txt" || fail "销号 was refused, but not for item 6: $(cat "$work/refused.txt")"
printf '干部档案复审记录\n共复审档案126卷，补正12卷\n' >"$work/档案复审记录.txt"
as organization-dept rectification report "$list" 6 --kind done \
  --text "已补充干部档案复审记录" --evidence "$work/档案复审记录.txt" >/dev/null
as inspection-office rectification verify "$list" 6 --accept >/dev/null
as inspection-office close "$list" >/dev/null
expect_state inspection-office "$list" closed
as inspection-office rectification list "$list" | sed 's/^/    /'

step "Case 10: one notice to several units at once (通报 / 分送), each on its own referral"
distribution=$(as discipline-commission distribute --json \
  --to stationed-education,stationed-housing,organization-dept,inspection-office \
  --kind problem_list --subject "全市教育、住建系统" --category "典型问题通报" \
  --summary "近期查处的违规收送礼品礼金典型问题，请对照排查并反馈" \
  --source "审查调查发现" --sensitivity ordinary --urgency normal \
  | grep -o '"distribution_id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')
[[ -n "$distribution" ]] || fail "the distribution returned no id"
for unit in stationed-education stationed-housing; do
  member=$(as "$unit" inbox list --json | grep -o '"referral_id": *"[^"]*"' | tail -n 1 \
    | sed 's/.*"\([^"]*\)"$/\1/')
  as "$unit" accept "$member" >/dev/null
done
as discipline-commission distribution show "$distribution" | sed 's/^/    /'

step "Statistics (统计) for today, counted as each step was written"
today=$(date -u -d '+8 hours' +%F)   # days are China Standard Time
as admin-ops stats --from "$today" --to "$today" | sed 's/^/    /'
as admin-ops stats --from "$today" --to "$today" --csv >"$work/统计.csv"
echo "    the same as CSV for a spreadsheet: $work/统计.csv"

step "Someone else's referral stays private"
expect_refused PERMISSION_DENIED "组织部 reading $lead" as organization-dept show "$lead"
echo "    组织部 reading $lead: $(head -n 1 "$work/refused.txt")"

step "The administrator watches the transfers: metadata only, never lead contents"
as admin-ops admin counts
as admin-ops admin transfers --json >"$work/transfers.json"
if grep -q "县土地储备中心" "$work/transfers.json"; then
  fail "the administrator saw a lead's subject"
fi
echo "    管理员 sees $(grep -o '"referral_id"' "$work/transfers.json" | wc -l) transfers, no contents"

step "Contents are encrypted at rest: no file of the data directory holds a lead's subject"
if grep -rqF "县土地储备中心" "$work/data"; then
  fail "a lead's subject is readable in $work/data"
fi
as admin-ops admin status | grep -E "^(encryption|key )" | sed 's/^/    /'
echo "    grep -r for a lead's subject in $work/data: nothing"

step "The auditor proves the history was not altered"
as auditor-audit audit checkpoint --out "$work/checkpoint-1.txt" >/dev/null
as auditor-audit audit export --from 1 --out "$work/export.txt" >/dev/null
as auditor-audit audit verify --export "$work/export.txt" --hub-cert "$work/pki/hub.crt" \
  --signing-ca "$work/pki/signing-ca.crt" > "$work/verified.txt"
sed -n '1s/^/    /p' "$work/verified.txt"
grep -E "^step signatures" "$work/verified.txt" | sed 's/^/    /'
# Every agency step of the demo was signed, and every signature verifies.
grep -E "^step signatures: [1-9][0-9]* signed steps verified" "$work/verified.txt" |
  grep -qv "unsigned" || fail "an agency's step is unsigned, or a signature did not verify"
# A party checks the same on its own referral, with the hub's reply alone.
as inspection-office show "$lead" --verify-signatures \
  --signing-ca "$work/pki/signing-ca.crt" > "$work/steps.txt"
grep -E "step signatures: " "$work/steps.txt" | sed 's/^ */    巡察办: /'
grep -E "step signatures: [1-9][0-9]* signed steps verified" "$work/steps.txt" |
  grep -qv "unsigned" || fail "the sender could not verify its referral's steps"
as audit-bureau remind "$audit" --text "再次督办：请尽快签收" >/dev/null
as auditor-audit audit checkpoint --out "$work/checkpoint-2.txt" >/dev/null
as auditor-audit audit consistency --old "$work/checkpoint-1.txt" \
  --new "$work/checkpoint-2.txt" --hub-cert "$work/pki/hub.crt" | sed 's/^/    /'

# Warnings on a working-day calendar need days to pass: a second hub plays
# them on an exercise clock, beside this one.
"$root/deploy/exercise-warnings.sh" --workdir="$work" --build-dir="$build" ||
  fail "the warnings exercise did not behave"

step "Summary: referrals by state"
printf '    %-16s %s\n' "$lead" "$(state_of inspection-office "$lead")  (巡察办 → 纪委监委, full loop)"
printf '    %-16s %s\n' "$audit" "$(state_of audit-bureau "$audit")  (审计局 → 纪委监委, reminded)"
printf '    %-16s %s\n' "$stationed" "$(state_of stationed-education "$stationed")  (驻教育局纪检监察组 → 纪委监委)"
printf '    %-16s %s\n' "$child" "$(state_of organization-dept "$child")  (纪委监委 → 组织部, child of $stationed)"
printf '    %-16s %s\n' "$school" "$(state_of inspection-office "$school")  (巡察办 → 纪委监委, result of the 交办 rolled up)"
printf '    %-16s %s\n' "$delegated" "$(state_of inspection-office "$delegated")  (纪委监委 → 驻教育局纪检监察组, 交办 from $school)"
printf '    %-16s %s\n' "$housing" "$(state_of stationed-housing "$housing")  (驻住建局纪检监察组 → 纪委监委, 予以了结 with approval)"
printf '    %-16s %s\n' "$pending" "$(state_of audit-bureau "$pending")  (审计局 → 纪委监委, 暂存待查, reopened, 立案)"
printf '    %-16s %s\n' "$list" "$(state_of inspection-office "$list")  (巡察办 → 组织部, 11-item rectification ledger)"
echo
echo "All steps behaved as expected."
if $keep_running; then
  cat <<EOF

The hub keeps running (pid $hub_pid, $address). Try sxctl by hand, e.g.:
  $sxctl_bin --profile=$work/profiles/discipline-commission inbox list
  $sxctl_bin --profile=$work/profiles/inspection-office list --role sent
  $sxctl_bin --profile=$work/profiles/inspection-office show $lead
  $sxctl_bin --profile=$work/profiles/inspection-office show $school
  $sxctl_bin --help
Stop it with: kill $hub_pid
EOF
else
  echo "Run 'deploy/quickstart.sh --keep-running' to leave the hub up and try sxctl by hand."
fi

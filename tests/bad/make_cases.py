#!/usr/bin/env python3
"""Writes tests/bad/*.json and *.err: one competition file per class of bad input, each a small
change to tests/golden/basic.in.json, with the message `skillscore compute` must print.
Run it again after changing the base file; tests/test_cli.sh checks the cases."""
import copy
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
base = json.load(open(os.path.join(here, "..", "golden", "basic.in.json"), encoding="utf-8"))
cases = {}


def case(name, message):
    def wrap(fn):
        doc = copy.deepcopy(base)
        out = fn(doc)
        cases[name] = (out if isinstance(out, str) else json.dumps(doc, ensure_ascii=False, indent=1), message)
        return fn
    return wrap


@case("score_above_max", "marks[1]: score 100.5 is above criterion A's maximum 30")
def _(d): d["marks"][1]["score"] = 100.5

@case("score_three_decimals", "marks[2]: score 26.255 has more than 2 decimal places")
def _(d): d["marks"][2]["score"] = 26.255

@case("score_negative", "marks[0]: score -1 is negative")
def _(d): d["marks"][0]["score"] = -1

@case("score_wrong_type", "marks[3]: score must be a number")
def _(d): d["marks"][3]["score"] = "60"

@case("mark_unknown_entry", "marks[4]: entry \"T999\" is not defined in entries")
def _(d): d["marks"][4]["entry"] = "T999"

@case("mark_unknown_criterion", "marks[5]: criterion \"Z\" is not a criterion of event E01 (entry T001)")
def _(d): d["marks"][5]["criterion"] = "Z"

@case("mark_missing_judge", "marks[0]: missing field \"judge\"")
def _(d): del d["marks"][0]["judge"]

@case("duplicate_mark_same_judge", "marks[12]: judge J1 already marked entry T001 criterion A in marks[0]")
def _(d): d["marks"].append(dict(d["marks"][0], score=20))

@case("missing_mark", "entry T002 (event E01): no mark for criterion B")
def _(d): d["marks"] = [m for m in d["marks"] if not (m["entry"] == "T002" and m["criterion"] == "B")]

@case("trimmed_mean_two_marks", "entry T001 (event E01): criterion A has 2 marks; trimmed_mean needs at least 3")
def _(d): d["marks"] = [m for m in d["marks"] if not (m["entry"] == "T001" and m["criterion"] == "A" and m["judge"] == "J3")]

@case("single_two_marks", "entry T001 (event E01): criterion A has 3 marks; aggregation single takes exactly one")
def _(d): d["events"][0]["aggregation"] = "single"

@case("missing_theory", "entry T002 (event E01): no theory score, and the theory weight is 20")
def _(d): d["theory"] = d["theory"][:1]

@case("duplicate_theory", "theory[2]: a second theory score for entry T001 (the first is theory[0])")
def _(d): d["theory"].append({"entry": "T001", "score": 50})

@case("theory_above_100", "theory[0]: score 100.5 is above the theory maximum 100")
def _(d): d["theory"][0]["score"] = 100.5

@case("theory_without_theory_weight", "theory[0]: event E01 has no theory exam (theory weight 0), so entry T001 takes no theory score")
def _(d): d["events"][0]["weights"] = {"theory": 0, "practical": 100}

@case("theory_unknown_entry", "theory[1]: entry \"T404\" is not defined in entries")
def _(d): d["theory"][1]["entry"] = "T404"

@case("weights_sum", "events[0].weights: theory 20 + practical 70 must add up to 100")
def _(d): d["events"][0]["weights"]["practical"] = 70

@case("weights_practical_below_70", "events[0].weights: practical 60 is below 70; 管理办法 第二十九条")
def _(d): d["events"][0]["weights"] = {"theory": 40, "practical": 60}

@case("weights_not_whole", "events[0].weights: field \"theory\" must be a whole number")
def _(d): d["events"][0]["weights"] = {"theory": 20.5, "practical": 79.5}

@case("criteria_sum", "events[0].criteria: the maxima add up to 95, not 100")
def _(d): d["events"][0]["criteria"][1]["max"] = 65

@case("criteria_duplicate_id", "events[0].criteria[1]: criterion id \"A\" is used twice in event E01")
def _(d): d["events"][0]["criteria"][1]["id"] = "A"

@case("event_duplicate_id", "events[1]: event id \"E01\" is already used by events[0]")
def _(d): d["events"].append(copy.deepcopy(d["events"][0]))

@case("entry_duplicate_id", "entries[2]: entry id \"T001\" is already used by entries[0]")
def _(d): d["entries"][2]["id"] = "T001"

@case("person_duplicate_id", "entries[1].members[0]: person id \"P001\" already competes in entries[0] (T001)")
def _(d): d["entries"][1]["members"][0]["id"] = "P001"

@case("entry_unknown_event", "entries[1] (T002): event \"E09\" is not defined in events")
def _(d): d["entries"][1]["event"] = "E09"

@case("team_size_mismatch", "entries[0] (T001): has 2 members, but event E01 has team_size 1")
def _(d): d["entries"][0]["members"].append({"id": "P009", "name": "王五"})

@case("team_size_wrong_type", "events[0]: field \"team_size\" must be a whole number")
def _(d): d["events"][0]["team_size"] = "2"

@case("level_unknown", "entries[0].members[0]: level \"高工\" must be one of 初级工, 中级工, 高级工, 技师, 高级技师, or null")
def _(d): d["entries"][0]["members"][0]["level"] = "高工"

@case("top_level_unknown", "events[0].occupation: top_level \"特级技师\" must be one of")
def _(d): d["events"][0]["occupation"]["top_level"] = "特级技师"

@case("status_unknown", "entries[1] (T002): status \"late\" must be \"ok\", \"absent\" or \"disqualified\"")
def _(d): d["entries"][1]["status"] = "late"

@case("student_wrong_type", "entries[0].members[0]: field \"student\" must be true or false")
def _(d): d["entries"][0]["members"][0]["student"] = "yes"

@case("class_unknown", "competition: class \"city\" is not a known class")
def _(d): d["competition"]["class"] = "city"

@case("stage_unknown", "competition: stage \"semifinal\" must be \"final\" or \"selection\"")
def _(d): d["competition"]["stage"] = "semifinal"

@case("cash_unknown_award", "competition.cash: \"特等奖\" is not an award")
def _(d): d["competition"]["cash"] = {"金牌": 1000, "特等奖": 5}

@case("quota_three_decimals", "events[0].awards: quotas[0] \"10.125%\" must be a count like 3 or a percent like \"10%\" with at most 2 decimals")
def _(d): d["events"][0]["awards"]["quotas"] = ["10.125%", "20%", "30%"]

@case("quota_over_100", "events[0].awards: quotas[1] must be 0 or more and at most 100%")
def _(d): d["events"][0]["awards"]["quotas"] = ["10%", "120%", "30%"]

@case("quota_count", "events[0].awards: quotas must be an array of 3 items")
def _(d): d["events"][0]["awards"]["quotas"] = ["10%", "20%"]

@case("tie_break_unknown", "events[0]: tie_break[1] must be \"practical\", \"theory\" or \"time\"")
def _(d): d["events"][0]["tie_break"] = ["practical", "age"]

@case("aggregation_unknown", "events[0]: aggregation \"average\" must be \"mean\", \"trimmed_mean\", \"median\" or \"single\"")
def _(d): d["events"][0]["aggregation"] = "average"

@case("format_wrong", "format: expected \"skillscore/1\"")
def _(d): d["format"] = "skillscore/2"

@case("format_missing", "missing field \"format\"")
def _(d): del d["format"]

@case("events_missing", "missing field \"events\"")
def _(d): del d["events"]

@case("malformed_json", "line 3, column")
def _(d): return '{\n "format": "skillscore/1",\n "competition": {"id": "X",, }\n}\n'

@case("trailing_text", "text after the end of the competition object")
def _(d): return json.dumps(d, ensure_ascii=False) + "\n{}\n"

@case("top_level_duplicate", "field \"marks\" appears twice at the top level")
def _(d): return json.dumps(d, ensure_ascii=False)[:-1] + ', "marks": []}'

@case("marks_not_array", "marks: must be an array")
def _(d): d["marks"] = {"entry": "T001"}

@case("mark_not_object", "marks[0]: must be an object")
def _(d): d["marks"][0] = 5

@case("empty_file", "line 1, column 1: expected '{'")
def _(d): return ""


def roster(d):
    d["judges"] = [{"id": j, "events": ["E01"]} for j in ("J1", "J2", "J3")]

@case("judge_not_on_list", "marks[2]: judge \"J3\" is not on the judges list")
def _(d): roster(d); d["judges"].pop()

@case("judge_not_of_event", "marks[2]: judge J3 is not a judge of event E01 (entry T001)")
def _(d): roster(d); d["events"].append(dict(d["events"][0], id="E09")); d["judges"][2]["events"] = ["E09"]

@case("judges_duplicate_id", "judges[1].id: judge \"J1\" is listed twice (also judges[0])")
def _(d): roster(d); d["judges"][1]["id"] = "J1"

@case("judges_unknown_event", "judges[0].events[0]: event \"E7\" is not defined in events")
def _(d): roster(d); d["judges"][0]["events"] = ["E7"]

@case("judges_no_events", "judges[0].events: must be a non-empty array of event ids")
def _(d): roster(d); d["judges"][0]["events"] = []


# ---- issue 17: pass marks, promotion bands, titles, delegations, medal points ----

@case("pass_theory_without_exam", "events[0].pass: theory 60 is set, but event E01 has no theory exam (theory weight 0)")
def _(d): d["events"][0]["weights"] = {"theory": 0, "practical": 100}; d["theory"] = []; d["events"][0]["pass"] = {"theory": 60, "practical": 60}

@case("pass_above_100", "events[0].pass: practical 120 is above 100")
def _(d): d["events"][0]["pass"] = {"practical": 120}

@case("pass_three_decimals", "events[0].pass: theory 59.995 has more than 2 decimal places")
def _(d): d["events"][0]["pass"] = {"theory": 59.995}

@case("pass_no_threshold", "events[0].pass: needs \"theory\" or \"practical\"")
def _(d): d["events"][0]["pass"] = {"withholds": ["award"]}

@case("pass_withholds_unknown", "events[0].pass: withholds[1] must be \"award\", \"promotion\", \"certificate\" or \"title\"")
def _(d): d["events"][0]["pass"] = {"practical": 60, "withholds": ["award", "cash"]}

@case("pass_withholds_twice", "events[0].pass: withholds lists \"award\" twice")
def _(d): d["events"][0]["pass"] = {"practical": 60, "withholds": ["award", "award"]}

@case("pass_withholds_empty", "events[0].pass: withholds must be a non-empty array")
def _(d): d["events"][0]["pass"] = {"practical": 60, "withholds": []}

@case("band_level_unknown", "events[0].promotion.bands[0]: level \"高工\" must be one of 初级工, 中级工, 高级工, 技师, 高级技师")
def _(d): d["events"][0]["promotion"] = {"bands": [{"from": 1, "to": 5, "level": "高工"}]}

@case("band_level_missing", "events[0].promotion.bands[0]: missing field \"level\"")
def _(d): d["events"][0]["promotion"] = {"bands": [{"from": 1, "to": 5}]}

@case("band_from_missing", "events[0].promotion.bands[0]: missing field \"from\"")
def _(d): d["events"][0]["promotion"] = {"bands": [{"to": 5, "level": "技师"}]}

@case("band_from_zero", "events[0].promotion.bands[0]: field \"from\" is 0, outside 1..")
def _(d): d["events"][0]["promotion"] = {"bands": [{"from": 0, "to": 5, "level": "技师"}]}

@case("band_to_before_from", "events[0].promotion.bands[1]: to 4 is before from 6")
def _(d): d["events"][0]["promotion"] = {"bands": [{"from": 1, "to": 5, "level": "技师"}, {"from": 6, "to": 4, "level": "高级工"}]}

@case("band_to_unknown", "events[0].promotion.bands[0]: field \"to\" must be a place (a whole number) or \"half\"")
def _(d): d["events"][0]["promotion"] = {"bands": [{"from": 4, "to": "all", "level": "高级工"}]}

@case("band_overlap", "events[0].promotion.bands[1]: places overlap those of bands[0]")
def _(d): d["events"][0]["promotion"] = {"bands": [{"from": 1, "to": 5, "level": "技师"}, {"from": 5, "to": 15, "level": "高级工"}]}

@case("band_otherwise_without_requires", "events[0].promotion.bands[0]: otherwise is only meaningful with requires")
def _(d): d["events"][0]["promotion"] = {"bands": [{"from": 1, "to": 3, "level": "技师", "otherwise": "高级工"}]}

@case("band_otherwise_not_below", "events[0].promotion.bands[0]: otherwise 技师 must be below level 技师")
def _(d): d["events"][0]["promotion"] = {"bands": [{"from": 1, "to": 3, "level": "技师", "requires": "高级工", "otherwise": "技师"}]}

@case("band_group_empty", "events[0].promotion.bands[0]: group must not be empty")
def _(d): d["events"][0]["promotion"] = {"bands": [{"group": "", "from": 1, "level": "技师"}]}

@case("bands_empty", "events[0].promotion: bands must be a non-empty array")
def _(d): d["events"][0]["promotion"] = {"bands": []}

@case("title_missing_name", "events[0].titles[1]: missing field \"title\"")
def _(d): d["events"][0]["titles"] = [{"from": 1, "title": "技术状元"}, {"from": 2, "to": 3}]

@case("title_overlap", "events[0].titles[1]: places overlap those of titles[0]")
def _(d): d["events"][0]["titles"] = [{"from": 1, "to": 2, "title": "技术状元"}, {"from": 2, "to": 3, "title": "技术标兵"}]

@case("titles_not_array", "events[0]: titles must be a non-empty array")
def _(d): d["events"][0]["titles"] = {"from": 1, "title": "技术状元"}

@case("delegation_empty", "entries[1] (T002): delegation must not be empty")
def _(d): d["entries"][1]["delegation"] = ""

@case("delegation_wrong_type", "entries[0]: field \"delegation\" must be a string")
def _(d): d["entries"][0]["delegation"] = 5

@case("medal_points_unknown_award", "competition.medal_points: \"特等奖\" is not an award")
def _(d): d["competition"]["medal_points"] = {"金牌": 4, "特等奖": 9}

@case("medal_points_negative", "competition.medal_points: \"银牌\" must be a whole number of points from 0 to 1000000")
def _(d): d["competition"]["medal_points"] = {"金牌": 4, "银牌": -3}

@case("analytics_leniency_three_decimals", "events[0].analytics: leniency_percent must be a number from 0 to 100 with at most 2 decimals")
def _(d): d["events"][0]["analytics"] = {"leniency_percent": 5.555}

@case("analytics_max_flags_zero", "events[0].analytics: max_flags must be a whole number from 1 to 1000000")
def _(d): d["events"][0]["analytics"] = {"max_flags": 0}


for name in list(os.listdir(here)):
    if name.endswith(".json") or name.endswith(".err"):
        os.remove(os.path.join(here, name))
for name, (text, message) in sorted(cases.items()):
    with open(os.path.join(here, name + ".json"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(here, name + ".err"), "w", encoding="utf-8") as f:
        f.write(message + "\n")
print("%d cases" % len(cases))

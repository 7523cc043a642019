//! The Terraform functions acmlint evaluates: the ones real configurations use to build domain
//! names, protocol strings, counts and lists. Any other function, or a known function with an
//! unknown argument, evaluates to unknown.

use super::Val;

pub fn call(name: &str, args: &[&Val]) -> Val {
    if args.iter().any(|a| !a.is_known()) && !matches!(name, "coalesce" | "coalescelist") {
        return Val::Unknown;
    }
    let text = |i: usize| args.get(i).and_then(|v| v.to_text());
    let list = |i: usize| match args.get(i) {
        Some(Val::List(items)) => Some(items.clone()),
        _ => None,
    };
    let result = match name {
        "lower" => text(0).map(|s| Val::Str(s.to_lowercase())),
        "upper" => text(0).map(|s| Val::Str(s.to_uppercase())),
        "trimspace" => text(0).map(|s| Val::Str(s.trim().to_string())),
        "tostring" => text(0).map(Val::Str),
        "tonumber" => args.first().and_then(|v| v.as_f64()).map(Val::Num),
        "tobool" => args.first().and_then(|v| v.as_bool()).map(Val::Bool),
        "trimprefix" => text(0)
            .zip(text(1))
            .map(|(s, p)| Val::Str(s.strip_prefix(p.as_str()).unwrap_or(&s).to_string())),
        "trimsuffix" => text(0)
            .zip(text(1))
            .map(|(s, p)| Val::Str(s.strip_suffix(p.as_str()).unwrap_or(&s).to_string())),
        "replace" if !text(1).is_some_and(|p| p.starts_with('/')) => text(0)
            .zip(text(1))
            .zip(text(2))
            .map(|((s, from), to)| Val::Str(s.replace(from.as_str(), &to))),
        "format" => format(args),
        "join" => join(text(0), list(1)),
        "concat" => concat(args),
        "tolist" | "toset" | "distinct" => list(0).map(|items| Val::List(dedup(items, name))),
        "compact" => list(0).map(|items| {
            Val::List(
                items
                    .into_iter()
                    .filter(|v| !matches!(v, Val::Null) && v.to_text().as_deref() != Some(""))
                    .collect(),
            )
        }),
        "flatten" => list(0).map(|items| Val::List(flatten(items))),
        "length" => match args.first() {
            Some(Val::List(items)) => Some(Val::Num(items.len() as f64)),
            Some(Val::Map(entries)) => Some(Val::Num(entries.len() as f64)),
            Some(Val::Str(s)) => Some(Val::Num(s.chars().count() as f64)),
            _ => None,
        },
        "element" => list(0)
            .zip(args.get(1).and_then(|v| v.as_f64()))
            .and_then(|(l, i)| {
                let len = l.len();
                (len > 0).then(|| l[(i as usize) % len].clone())
            }),
        "coalesce" => first_that(args, |v| {
            !matches!(v, Val::Null) && v.to_text().as_deref() != Some("")
        }),
        "coalescelist" => first_that(args, |v| matches!(v, Val::List(l) if !l.is_empty())),
        "lookup" => match (args.first(), text(1)) {
            (Some(map @ Val::Map(_)), Some(key)) => map
                .get(&key)
                .cloned()
                .or_else(|| args.get(2).map(|v| (*v).clone())),
            _ => None,
        },
        "merge" => merge(args),
        "keys" => match args.first() {
            Some(Val::Map(entries)) => Some(Val::List(
                entries.iter().map(|(k, _)| Val::Str(k.clone())).collect(),
            )),
            _ => None,
        },
        "values" => match args.first() {
            Some(Val::Map(entries)) => {
                Some(Val::List(entries.iter().map(|(_, v)| v.clone()).collect()))
            }
            _ => None,
        },
        "contains" => list(0)
            .zip(args.get(1))
            .map(|(l, v)| Val::Bool(l.iter().any(|x| x == *v))),
        "one" => list(0).and_then(|l| match l.as_slice() {
            [] => Some(Val::Null),
            [one] => Some(one.clone()),
            _ => None,
        }),
        _ => None,
    };
    result.unwrap_or(Val::Unknown)
}

/// The first argument that `wins`, unless an unknown argument comes before it (it could win).
fn first_that(args: &[&Val], wins: impl Fn(&Val) -> bool) -> Option<Val> {
    for arg in args {
        if !arg.is_known() {
            return None;
        }
        if wins(arg) {
            return Some((*arg).clone());
        }
    }
    None
}

fn format(args: &[&Val]) -> Option<Val> {
    let fmt = args.first()?.as_str()?;
    let mut out = String::new();
    let mut rest = args.iter().skip(1);
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'd' | 'v' => out.push_str(&rest.next()?.to_text()?),
            _ => return None,
        }
    }
    Some(Val::Str(out))
}

fn join(sep: Option<String>, items: Option<Vec<Val>>) -> Option<Val> {
    let sep = sep?;
    let parts: Option<Vec<String>> = items?.iter().map(Val::to_text).collect();
    Some(Val::Str(parts?.join(&sep)))
}

fn concat(args: &[&Val]) -> Option<Val> {
    let mut out = Vec::new();
    for arg in args {
        match arg {
            Val::List(items) => out.extend(items.iter().cloned()),
            _ => return None,
        }
    }
    Some(Val::List(out))
}

fn dedup(items: Vec<Val>, name: &str) -> Vec<Val> {
    if name == "tolist" {
        return items;
    }
    let mut out: Vec<Val> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn flatten(items: Vec<Val>) -> Vec<Val> {
    let mut out = Vec::new();
    let mut stack: Vec<Val> = items.into_iter().rev().collect();
    while let Some(item) = stack.pop() {
        match item {
            Val::List(inner) => stack.extend(inner.into_iter().rev()),
            other => out.push(other),
        }
    }
    out
}

fn merge(args: &[&Val]) -> Option<Val> {
    let mut out: Vec<(String, Val)> = Vec::new();
    for arg in args {
        let Val::Map(entries) = arg else {
            return None;
        };
        for (k, v) in entries {
            match out.iter_mut().find(|(key, _)| key == k) {
                Some(slot) => slot.1 = v.clone(),
                None => out.push((k.clone(), v.clone())),
            }
        }
    }
    Some(Val::Map(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Val {
        Val::Str(v.to_string())
    }

    #[test]
    fn builds_names_the_way_configurations_do() {
        assert_eq!(
            call("format", &[&s("*.%s"), &s("example.com")]),
            s("*.example.com")
        );
        assert_eq!(
            call(
                "join",
                &[&s("."), &Val::List(vec![s("www"), s("example.com")])]
            ),
            s("www.example.com")
        );
        assert_eq!(call("lower", &[&s("DNS")]), s("dns"));
        assert_eq!(call("lower", &[&Val::Unknown]), Val::Unknown);
        assert_eq!(
            call("distinct", &[&Val::List(vec![s("a"), s("a")])]),
            Val::List(vec![s("a")])
        );
        assert_eq!(call("no_such_function", &[&s("a")]), Val::Unknown);
    }

    #[test]
    fn an_unknown_argument_that_could_win_makes_the_result_unknown() {
        assert_eq!(call("coalesce", &[&Val::Unknown, &s("HTTP")]), Val::Unknown);
        assert_eq!(call("coalesce", &[&Val::Null, &s("HTTP")]), s("HTTP"));
        assert_eq!(
            call("coalesce", &[&s(""), &s("HTTPS"), &Val::Unknown]),
            s("HTTPS")
        );
        let empty = Val::List(vec![]);
        let one = Val::List(vec![s("a")]);
        assert_eq!(call("coalescelist", &[&Val::Unknown, &one]), Val::Unknown);
        assert_eq!(call("coalescelist", &[&empty, &one]), one);
        let map = Val::Map(vec![("k".into(), s("v"))]);
        assert_eq!(
            call("lookup", &[&map, &s("x"), &Val::Unknown]),
            Val::Unknown
        );
        assert_eq!(
            call("lookup", &[&Val::Unknown, &s("k"), &s("d")]),
            Val::Unknown
        );
        assert_eq!(call("lookup", &[&map, &s("x"), &s("d")]), s("d"));
        assert_eq!(call("one", &[&Val::List(vec![Val::Unknown])]), Val::Unknown);
        assert_eq!(call("one", &[&Val::List(vec![])]), Val::Null);
    }
}

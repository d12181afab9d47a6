/**
 * The `{name}` placeholders of a message, read as `formatMessage` reads them:
 * at run time (`placeholdersOf`) and at compile time (`Placeholders`), so that
 * a `DomainException`'s params can be checked against its entry's messages.
 */

const NAME = /^[A-Za-z0-9_]+$/;

/**
 * The placeholder names of `template`, in order of first appearance. The same
 * scan as `formatMessage`: from a `{` to the next `}`; a name of
 * `[A-Za-z0-9_]` is a placeholder and the scan goes on after its `}`,
 * anything else is text and the scan goes on after the `{`.
 */
export function placeholdersOf(template: string): string[] {
  const names: string[] = [];
  let open = template.indexOf('{');
  while (open !== -1) {
    const close = template.indexOf('}', open + 1);
    if (close === -1) break;
    const name = template.slice(open + 1, close);
    if (NAME.test(name)) {
      if (!names.includes(name)) names.push(name);
      open = template.indexOf('{', close + 1);
    } else open = template.indexOf('{', open + 1);
  }
  return names;
}

type Lower =
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'f'
  | 'g'
  | 'h'
  | 'i'
  | 'j'
  | 'k'
  | 'l'
  | 'm'
  | 'n'
  | 'o'
  | 'p'
  | 'q'
  | 'r'
  | 's'
  | 't'
  | 'u'
  | 'v'
  | 'w'
  | 'x'
  | 'y'
  | 'z';
type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
type NameChar = Lower | Uppercase<Lower> | Digit | '_';

/** True when every character of `S` may be part of a placeholder name. */
type OnlyNameChars<S extends string> = S extends `${infer C}${infer Rest}`
  ? C extends NameChar
    ? OnlyNameChars<Rest>
    : false
  : true;

/** True when `S` is a placeholder name: not empty, `[A-Za-z0-9_]` only. */
type IsName<S extends string> = S extends '' ? false : OnlyNameChars<S>;

/** The scan of {@link placeholdersOf}, on a literal type; tail-recursive, so long messages work. */
type Scan<S extends string, Found extends string = never> = S extends `${string}{${infer Body}`
  ? Body extends `${infer Name}}${infer Rest}`
    ? IsName<Name> extends true
      ? Scan<Rest, Found | Name>
      : Scan<Body, Found>
    : Found
  : Found;

/**
 * The placeholder names of a message's literal type, as a union
 * (`Placeholders<'User {id} of {team}'>` is `'id' | 'team'`); of a union of
 * messages, the names of all of them. `string` when the message is not a
 * literal (its placeholders are not known).
 */
export type Placeholders<S extends string> = string extends S ? string : Scan<S>;

// A plugin entry that holds nothing: what importing any module file costs a fresh `node` (the bench's
// second floor for the entry import). Inside c8ctl, itself ES modules, that file loader already runs.
export {};

// A module that holds nothing. Imported first, it stands for c8ctl's own ES module files, which Node's
// file loader has loaded before c8ctl imports a plugin; imported in the entry's place, it is the floor.
export {};

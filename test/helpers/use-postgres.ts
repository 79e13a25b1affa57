process.env.LOA_TEST_DB = 'postgres';
